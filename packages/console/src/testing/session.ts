import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** A browser's cookie jar for `inject`: what the console set, sent back on every request. */
export interface InjectSession {
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  post(
    url: string,
    form: Record<string, string>,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
  /** The form token of the page at `url` (its first `_csrf` field). */
  csrf(url?: string): Promise<string>;
  signIn(token: string): Promise<LightMyRequestResponse>;
  readonly cookies: Map<string, string>;
}

export function injectSession(app: FastifyInstance): InjectSession {
  const cookies = new Map<string, string>();
  const cookieHeader = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (response: LightMyRequestResponse) => {
    for (const c of response.cookies as Array<{ name: string; value: string; maxAge?: number }>) {
      if (c.value === '' || c.maxAge === 0) cookies.delete(c.name);
      else cookies.set(c.name, c.value);
    }
    return response;
  };
  const session: InjectSession = {
    cookies,
    async get(url, headers = {}) {
      return keep(
        await app.inject({
          method: 'GET',
          url,
          headers: { host: '127.0.0.1', cookie: cookieHeader(), ...headers },
        }),
      );
    },
    async post(url, form, headers = {}) {
      return keep(
        await app.inject({
          method: 'POST',
          url,
          headers: {
            host: '127.0.0.1',
            cookie: cookieHeader(),
            'content-type': 'application/x-www-form-urlencoded',
            ...headers,
          },
          payload: new URLSearchParams(form).toString(),
        }),
      );
    },
    async csrf(url = '/login') {
      const page = await session.get(url);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
      if (!token) throw new Error(`no form token on ${url} (status ${page.statusCode})`);
      return token;
    },
    async signIn(token) {
      return session.post('/login', { _csrf: await session.csrf('/login'), token, next: '/' });
    },
  };
  return session;
}
