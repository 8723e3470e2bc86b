import './monaco-setup.ts';
import './app.css';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { webApi } from './web-api.ts';

createRoot(document.getElementById('root')!).render(<App api={webApi()} />);
