import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
// The base stylesheet first, so a page's own CSS wins ties with it.
import './styles.css';
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
