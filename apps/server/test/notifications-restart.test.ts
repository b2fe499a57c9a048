import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileSchemas } from '@wedsync/merge';
import { createPgliteStorage } from '@wedsync/storage-postgres';
import { fieldIdOf, weddingSchemas } from '@wedsync/wedding';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAppConfig } from '../src/app-config.ts';
import { type AppServer, startAppServer } from '../src/app-server.ts';
import { connectDevice, type Device, login } from './notification-devices.ts';

// A cause committed while no node wrote notifications (the node died right after the commit) is
// notified after the restart: the trigger cursor lags the log, and the start replays the gap (R5.4).
describe('R5.2 R5.4 notifications survive a crash between a cause and its notifications', () => {
  let dataDir: string | undefined;
  let server: AppServer | undefined;
  let device: Device | undefined;
  afterAll(async () => {
    await device?.close();
    await server?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('R5.4 a form submitted while the server was down notifies the supplier once it is back', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'wedsync-notify-restart-'));
    const config = loadAppConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
    server = await startAppServer(config);
    await server.close();
    server = undefined;

    // The cause, committed with nobody following the log.
    const storage = await createPgliteStorage({ dataDir: join(dataDir, 'pglite') });
    const { results } = await storage.commit({
      clientId: 'u-emma:crash-test',
      actor: { userId: 'u-emma', name: 'Emma Wilson' },
      scope: 'wedding:w-emma-james',
      mutations: [
        {
          mid: 1,
          c: 'form_assignments',
          id: 'a-emma-menu',
          base: 0,
          ops: [{ k: 'set', f: fieldIdOf('form_assignments', 'status'), v: 'submitted' }],
        },
      ],
      schemas: compileSchemas(weddingSchemas),
      nowMs: Date.now(),
    });
    expect(results[0]).toMatchObject({ status: 'applied' });
    await storage.close();

    server = await startAppServer(config);
    await server.notifications.settled();
    device = await connectDevice(server.url, await login(server.url, 'olivia@feast.example'), 'user:u-olivia');
    await device.until(() => device!.store.query('notifications').length > 0, 'Olivia’s notification');
    const bell = device.store.query('notifications');
    expect(bell.map((record) => [record.fields.trigger, record.fields.title])).toEqual([
      ['form_submitted', 'Form submitted: Menu & dietary form'],
    ]);
    // Two app starts and a storage open: each opens PGlite, which takes seconds on a loaded machine.
  }, 180_000);
});
