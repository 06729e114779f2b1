// The instance's watched words (PeerTube's admin "Watched words"): lists whose words tag the
// comments that contain them, for the staff's comment list.
import { useTitle } from '../../hooks';
import { WatchedWords as Lists } from '../Moderation';

export function WatchedWords() {
  useTitle('Watched words');
  return (
    <section>
      <h1>Watched words</h1>
      <Lists owner="server" title="Lists of this instance" />
    </section>
  );
}
