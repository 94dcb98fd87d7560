export function QueuesScreen() {
  return <div>QueuesScreen</div>;
}
