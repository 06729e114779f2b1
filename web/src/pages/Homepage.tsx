// The instance's homepage (PeerTube's /home): the administrator's Markdown, rendered safely,
// under the instance's banner.
import { ErrorMessage, Loading } from '../components/Status';
import { useApp, useLoad, useTitle } from '../hooks';
import { renderMarkdown } from '../markdown';
import { appearanceOf, loadHomepage } from '../theme';

export function Homepage() {
  const { config } = useApp();
  useTitle('Home');
  const page = useLoad((signal) => loadHomepage(signal), []);
  const banner = appearanceOf(config)?.instance.banners?.[0];
  return (
    <section aria-labelledby="homepage-title">
      {banner && <img className="instance-banner" src={banner.fileUrl ?? banner.path} alt="" />}
      <h1 id="homepage-title">{config?.instance.name ?? 'Cirrus'}</h1>
      {page.loading && <Loading what="Loading the homepage" />}
      {page.error && <ErrorMessage error={page.error} onRetry={page.reload} />}
      {!page.loading && !page.error && !page.data && <p>This instance has no homepage yet.</p>}
      {page.data && <div className="markdown" data-testid="homepage" dangerouslySetInnerHTML={{ __html: renderMarkdown(page.data) }} />}
    </section>
  );
}
