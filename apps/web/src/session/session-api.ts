/**
 * The app server's HTTP API for login and identity (apps/server: dev-login-routes, api-routes).
 * Errors arrive as `{ error: { code, message } }` with codes from the protocol table; they are thrown
 * as ApiError so screens can show the message and react to the code (e.g. TOKEN_EXPIRED → login).
 */
export interface DevPerson {
  email: string;
  name: string;
  kind: 'couple' | 'supplier' | string;
}

export interface SessionUser {
  id: string;
  name: string;
  email?: string;
  kind: 'couple' | 'supplier' | string;
}

export interface TopicGrant {
  topic: string;
  access: 'read' | 'write' | string;
}

export interface Me {
  user: SessionUser & Record<string, unknown>;
  topics: TopicGrant[];
  primaryTopics: string[];
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError('NETWORK_ERROR', 'The server cannot be reached. Check your connection.', 0);
  }
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!response.ok) {
    throw new ApiError(
      body?.error?.code ?? 'SERVER_ERROR',
      body?.error?.message ?? `HTTP ${response.status}`,
      response.status,
    );
  }
  return body as T;
}

/** The seeded people for the login screen (development logins only). */
export async function fetchDevPeople(): Promise<DevPerson[]> {
  const { people } = await request<{ people: DevPerson[] }>('/auth/dev-people');
  return people;
}

export async function devLogin(email: string): Promise<{ token: string; user: SessionUser }> {
  return request('/auth/dev-login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
  });
}

export async function fetchMe(token: string): Promise<Me> {
  return request('/api/me', { headers: { authorization: `Bearer ${token}` } });
}
