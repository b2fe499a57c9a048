import { ConfigError, loadAppConfig } from './app-config.ts';
import { startAppServer } from './app-server.ts';

/** `npm start`: the app on the embedded default (PGlite + in-process bus) unless configured otherwise. */
try {
  const config = loadAppConfig();
  const server = await startAppServer(config);
  console.log(
    `WedSync Realtime listening on ${server.url} (${config.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}, ${config.REDIS_URL ? 'Redis bus' : 'in-process bus'})`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`${error.code}: ${error.message}`);
    process.exit(78);
  }
  throw error;
}
