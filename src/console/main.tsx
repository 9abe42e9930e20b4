import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// In this order: the frame, then controls, then what pages share and add, so later rules win ties.
import './styles/base.css';
import './styles/controls.css';
import './styles/members.css';
import './styles/shared.css';
import './styles/pages.css';
import { App, createQueryClient } from './app';

declare global {
  // Read by the library that Radix's scroll lock uses to put a nonce on the <style> it adds.
  var __webpack_nonce__: string | undefined;
}

// Roster puts this page's CSP nonce on the meta tag (see src/http/console.ts); style elements
// added at run time carry it, so the policy needs no 'unsafe-inline'.
const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce;
if (nonce) globalThis.__webpack_nonce__ = nonce;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App queryClient={createQueryClient()} />
  </StrictMode>,
);
