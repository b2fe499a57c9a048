import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The WedSync/WedMe web app. `npm run build -w @wedsync/web` writes apps/web/dist, which the app server
 * serves at http://localhost:4000. `npm run dev -w @wedsync/web` serves it with hot reload on :5173 and
 * proxies the API and the WebSocket to the app server (WEDSYNC_SERVER_URL, default http://localhost:4000).
 */
const serverUrl = process.env.WEDSYNC_SERVER_URL ?? 'http://localhost:4000';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  server: {
    port: 5173,
    proxy: {
      '/api': serverUrl,
      '/auth': serverUrl,
      '/socket': { target: serverUrl.replace(/^http/, 'ws'), ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // One bundle of ~150 kB gzipped is fine for this app; raise the warning threshold accordingly.
    chunkSizeWarningLimit: 1024,
    // The workspace packages' entry points also export Node-only modules (e.g. the journey scheduler's
    // migrations); treating their modules as side-effect free lets the bundle drop what the browser
    // never imports. Better still would be browser-safe entry points in those packages.
    rolldownOptions: {
      treeshake: { moduleSideEffects: (id: string) => !/\/packages\/(wedding|client|protocol|merge)\/src\//.test(id) },
    },
  },
});
