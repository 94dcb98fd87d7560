export function RulesScreen() {
  return <div>RulesScreen</div>;
}
