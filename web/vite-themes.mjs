// PeerTube theme packages (package.json's peertube-theme-* dependencies): their CSS and static
// files go out at PeerTube's paths, /themes/<name>/<version>/css/<file> and
// /themes/<name>/<version>/static/<dir>/<file>, where the app loads them (src/theme.ts).
// Plain JavaScript: the web client's TypeScript has no Node types.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** @returns {Map<string, string>} each file's public path (no leading /) to its source */
export function themeFiles(manifestPath = 'package.json', modules = 'node_modules') {
  const files = new Map();
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  for (const npmName of Object.keys(manifest.dependencies ?? {}).filter((n) => n.startsWith('peertube-theme-'))) {
    const root = join(modules, npmName);
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const base = `themes/${npmName.slice('peertube-theme-'.length)}/${pkg.version}`;
    for (const css of pkg.css ?? []) files.set(`${base}/css/${css}`, join(root, css));
    for (const [dir, source] of Object.entries(pkg.staticDirs ?? {})) {
      const walk = (folder) => {
        for (const entry of readdirSync(folder)) {
          const path = join(folder, entry);
          if (statSync(path).isDirectory()) walk(path);
          else files.set(`${base}/static/${dir}/${relative(join(root, source), path)}`, path);
        }
      };
      walk(join(root, source));
    }
  }
  return files;
}

/** @returns {import('vite').Plugin} */
export function peertubeThemes() {
  return {
    name: 'peertube-themes',
    configureServer(server) {
      const files = themeFiles();
      server.middlewares.use((req, res, next) => {
        const file = files.get((req.url ?? '').split('?')[0].replace(/^\//, ''));
        if (!file) return next();
        res.setHeader('Content-Type', file.endsWith('.css') ? 'text/css' : 'application/octet-stream');
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      for (const [fileName, file] of themeFiles()) this.emitFile({ type: 'asset', fileName, source: readFileSync(file) });
    },
  };
}
