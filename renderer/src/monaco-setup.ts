// Monaco from the app's own files: the editor bundle and its workers are served by the app,
// so the editor works offline (by default @monaco-editor/react would fetch Monaco from a CDN).
import * as monaco from 'monaco-editor';
import { loader } from '@monaco-editor/react';

const WORKER_OF_LABEL: Record<string, string> = {
  typescript: 'ts', javascript: 'ts', html: 'html', handlebars: 'html', razor: 'html', css: 'css', scss: 'css', less: 'css', json: 'json',
};

self.MonacoEnvironment = {
  getWorkerUrl: (_moduleId: string, label: string) => new URL(`workers/${WORKER_OF_LABEL[label] ?? 'editor'}.worker.js`, document.baseURI).href,
};
monaco.typescript.typescriptDefaults.setCompilerOptions({
  jsx: monaco.typescript.JsxEmit.ReactJSX,
  target: monaco.typescript.ScriptTarget.ES2020,
  allowNonTsExtensions: true,
  allowImportingTsExtensions: true,
  moduleResolution: monaco.typescript.ModuleResolutionKind.NodeJs,
});
// The generated component imports React and assets the editor has no types for: keep syntax errors, drop those.
monaco.typescript.typescriptDefaults.setDiagnosticsOptions({ diagnosticCodesToIgnore: [2307, 2875, 7016] });
loader.config({ monaco });

export { monaco };
