import './monaco-setup.ts';
import './app.css';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { apiClient } from './api-client.ts';
import { bridge, ipcTransport } from './ipc-api.ts';
import { httpTransport } from './web-api.ts';

// In the desktop app the preload provides a bridge; in a browser the engine serves the page.
const desktop = bridge();
createRoot(document.getElementById('root')!).render(<App api={apiClient(desktop ? ipcTransport(desktop) : httpTransport())} />);
