export function ChannelsScreen() {
  return <div>ChannelsScreen</div>;
}
