import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/*
 * The console's build. Vite's root is this folder (the repository's top level stays as it is);
 * the bundle goes to dist/console/, which Roster serves (src/http/console.ts). `npm run dev`
 * serves the same sources with hot reload and sends the server's paths to a running Roster
 * (ROSTER_URL, by default http://localhost:8080).
 */
const roster = process.env.ROSTER_URL ?? 'http://localhost:8080';
const toRoster = { target: roster, changeOrigin: false, xfwd: true };

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  // Vite marks its tags with this placeholder; Roster replaces it with a fresh nonce per page
  // (the style elements Radix's scroll lock adds carry it, so style-src needs no 'unsafe-inline').
  html: { cspNonce: 'ROSTER_CSP_NONCE' },
  build: {
    outDir: '../../dist/console',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    // Everything inlined would be an inline script or style, which the CSP refuses.
    assetsInlineLimit: 0,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: { '/api': toRoster, '/auth': toRoster, '/sso': toRoster, '/scim': toRoster },
  },
});
