// Several screens' generated code as one app (a walkthrough video's screens). Each screen's
// files stay under screens/<name>/, as its own conversion wrote them. React: one Vite app whose
// App shows the screen the URL's hash names, so a link to a screen is a plain
// <a href="#screen-2">, the back button works, and no router package is needed. HTML: the
// screens are pages linked by relative paths (index.ts's screenHref), and index.html opens the first.
import { escapeAttr, htmlShell } from './html.ts';
import { mainTsx, type GeneratedCode, type GeneratedFile, type Stack } from './index.ts';

export interface AppScreen {
  /** Folder name under screens/, also the hash that shows it: lower-case letters, digits and dashes. */
  name: string;
  code: GeneratedCode;
}

const componentName = (name: string) => name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

function routerApp(screens: readonly AppScreen[]): string {
  const imports = screens.map((s) => `import ${componentName(s.name)} from './screens/${s.name}/${s.code.entry}';`).join('\n');
  const table = screens.map((s) => `  '${s.name}': ${componentName(s.name)},`).join('\n');
  const first = screens[0]!.name;
  return `import { useEffect, useState, type ComponentType } from 'react';
${imports}

const SCREENS: Record<string, ComponentType> = {
${table}
};

const current = () => (window.location.hash.slice(1) in SCREENS ? window.location.hash.slice(1) : '${first}');

export default function App() {
  const [screen, setScreen] = useState(current);
  useEffect(() => {
    const follow = () => setScreen(current());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  const Screen = SCREENS[screen]!;
  return <Screen />;
}
`;
}

export function composeApp(stack: Stack, screens: readonly AppScreen[], title: string): GeneratedCode {
  if (screens.length === 0) throw new RangeError('an app needs at least one screen');
  const own: GeneratedFile[] = screens.flatMap((s) => s.code.files.map((f) => ({ ...f, path: `screens/${s.name}/${f.path}` })));
  if (stack !== 'react-tailwind') {
    const entry = escapeAttr(`screens/${screens[0]!.name}/${screens[0]!.code.entry}`);
    const index = htmlShell(title, `    <meta http-equiv="refresh" content="0; url=${entry}" />`, `    <a href="${entry}">Open the first screen</a>`);
    return { stack, entry: 'index.html', files: [{ path: 'index.html', contents: index }, ...own] };
  }
  // The project files every screen carries alike (package.json, the Vite config) serve the whole app.
  const shared = screens[0]!.code.files.filter((f) => ['package.json', 'vite.config.ts', 'vite-env.d.ts'].includes(f.path));
  const styles = screens.map((s) => `    <link rel="stylesheet" href="screens/${s.name}/styles.css" />`).join('\n');
  const index = htmlShell(title, styles, '    <div id="root"></div>\n    <script type="module" src="/main.tsx"></script>');
  return {
    stack,
    entry: 'App.tsx',
    files: [{ path: 'App.tsx', contents: routerApp(screens) }, { path: 'main.tsx', contents: mainTsx([]) }, { path: 'index.html', contents: index }, ...shared, ...own],
  };
}
