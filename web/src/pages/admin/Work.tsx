// Runners and jobs (PeerTube's admin "System"): the remote runners, their jobs, and the
// instance's own job queues (AdminWork's sections).
import { useTitle } from '../../hooks';
import { JobsSection, RunnersSection } from '../AdminWork';

export function Work() {
  useTitle('Runners and jobs');
  return (
    <section>
      <h1>Runners and jobs</h1>
      <RunnersSection />
      <JobsSection />
    </section>
  );
}
