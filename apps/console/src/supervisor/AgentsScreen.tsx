export function AgentsScreen() {
  return <div>AgentsScreen</div>;
}
