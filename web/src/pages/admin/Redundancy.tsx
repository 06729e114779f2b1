// Redundancy (PeerTube's admin "Federation > Video redundancies").
import { useTitle } from '../../hooks';
import { AdminRedundancy } from '../AdminRedundancy';

export function Redundancy() {
  useTitle('Redundancy');
  return (
    <section>
      <h1>Redundancy</h1>
      <AdminRedundancy />
    </section>
  );
}
