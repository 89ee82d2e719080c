import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

const bridge = window.shoal;
const root = createRoot(container);
if (bridge) {
  root.render(
    <StrictMode>
      <App api={bridge} {...(bridge.onMenuAction ? { menu: bridge.onMenuAction.bind(bridge) } : {})} />
    </StrictMode>,
  );
} else {
  container.textContent = 'Shoal could not reach its engine.';
}
