import type { FastifyInstance } from 'fastify';
import { SignJWT } from 'jose';
import { z } from 'zod';

/** A person the development login may issue a token for (the seeded world). */
export interface DevLoginPerson {
  email: string;
  name: string;
  userId: string;
  kind: string;
}

export interface DevLoginOptions {
  people: readonly DevLoginPerson[];
  jwtSecret: string;
  /** Development logins only; every route answers 404 when false (NODE_ENV=production). */
  enabled: boolean;
  /** Token lifetime; default 12 hours. */
  tokenTtlSeconds?: number;
}

const loginBodySchema = z.object({ email: z.string().trim().toLowerCase().pipe(z.email()) });

/**
 * `GET /auth/dev-people` lists the seeded people for the login screen; `POST /auth/dev-login {email}`
 * returns `{ token, user }` — an HS256 JWT with `sub`, `name`, `email`, `exp` (issue 2 item 5).
 */
export function registerDevLoginRoutes(app: FastifyInstance, options: DevLoginOptions): void {
  const ttlSeconds = options.tokenTtlSeconds ?? 12 * 3600;
  const key = new TextEncoder().encode(options.jwtSecret);
  const notFound = { error: { code: 'RECORD_NOT_FOUND', message: 'Not found' } };

  app.get('/auth/dev-people', async (_request, reply) => {
    if (!options.enabled) return reply.code(404).send(notFound);
    return { people: options.people.map(({ email, name, kind }) => ({ email, name, kind })) };
  });

  app.post('/auth/dev-login', async (request, reply) => {
    if (!options.enabled) return reply.code(404).send(notFound);
    const body = loginBodySchema.safeParse(request.body);
    if (!body.success) {
      return reply
        .code(400)
        .send({ error: { code: 'VALIDATION_FAILED', message: 'Body must be {"email": "<address>"}' } });
    }
    const person = options.people.find((candidate) => candidate.email === body.data.email);
    if (!person) {
      return reply
        .code(404)
        .send({ error: { code: 'RECORD_NOT_FOUND', message: `No seeded person has the email ${body.data.email}` } });
    }
    const token = await new SignJWT({ name: person.name, email: person.email, role: 'authenticated' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(person.userId)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(key);
    return {
      token,
      expiresInSeconds: ttlSeconds,
      user: { id: person.userId, name: person.name, email: person.email, kind: person.kind },
    };
  });
}
