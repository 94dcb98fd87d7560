export function CannedScreen() {
  return <div>CannedScreen</div>;
}
