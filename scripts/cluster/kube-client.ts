/**
 * A small REST client for the local API server: bearer token, the server's own CA, JSON in and out. Enough for
 * the harness and the tests (get, list, create, patch, server-side apply, delete, subresources); `kubectl` is used
 * where the user's own command is the thing under test.
 */
import { request } from 'node:https';

export interface KubeResponse {
  readonly status: number;
  readonly body: string;
}

/** A non-2xx answer: the status, and the API's own message (`Status.message`). */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly apiMessage: string,
    readonly reason?: string,
  ) {
    super(`${method} ${path}: ${status}${reason ? ` ${reason}` : ''}: ${apiMessage}`);
    this.name = 'KubeApiError';
  }
}

export type KubeObject = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The collection path of a kind: `/api/v1/namespaces/ns/pods`, `/apis/g/v/namespaces/ns/kinds`. */
export function resourcePath(apiVersion: string, plural: string, namespace?: string, name?: string, subresource?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return [base, namespace ? `namespaces/${encodeURIComponent(namespace)}` : '', plural, name ? encodeURIComponent(name) : '', subresource ?? '']
    .filter(Boolean)
    .join('/');
}

export class KubeClient {
  constructor(
    readonly server: string,
    private readonly bearer: string,
    private readonly ca: Buffer,
  ) {}

  /** A client with another identity (e.g. a service account's token) on the same server. */
  as(bearer: string): KubeClient {
    return new KubeClient(this.server, bearer, this.ca);
  }

  raw(method: string, path: string, body?: string, contentType = 'application/json'): Promise<KubeResponse> {
    const url = new URL(path, this.server);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          ca: this.ca,
          headers: {
            Authorization: `Bearer ${this.bearer}`,
            Accept: 'application/json',
            ...(body !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) } : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  private async json(method: string, path: string, body?: unknown, contentType?: string): Promise<KubeObject> {
    const res = await this.raw(method, path, body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), contentType);
    if (res.status >= 200 && res.status < 300) return res.body ? (JSON.parse(res.body) as KubeObject) : {};
    let message = res.body;
    let reason: string | undefined;
    try {
      const status = JSON.parse(res.body) as { message?: string; reason?: string };
      message = status.message ?? res.body;
      reason = status.reason;
    } catch {
      // not a Status: keep the body
    }
    throw new KubeApiError(res.status, method, path, message, reason);
  }

  /** The object, or undefined on 404. */
  async get(path: string): Promise<KubeObject | undefined> {
    try {
      return await this.json('GET', path);
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  async list(path: string, query: Record<string, string> = {}): Promise<KubeObject[]> {
    const qs = new URLSearchParams(query).toString();
    return ((await this.json('GET', qs ? `${path}?${qs}` : path)).items ?? []) as KubeObject[];
  }

  create(path: string, object: KubeObject, query: Record<string, string> = {}): Promise<KubeObject> {
    const qs = new URLSearchParams(query).toString();
    return this.json('POST', qs ? `${path}?${qs}` : path, object);
  }

  patch(path: string, patch: unknown, type: 'merge' | 'json' | 'strategic' = 'merge'): Promise<KubeObject> {
    const contentType = { merge: 'application/merge-patch+json', json: 'application/json-patch+json', strategic: 'application/strategic-merge-patch+json' }[type];
    return this.json('PATCH', path, patch, contentType);
  }

  /** Server-side apply of one object at its own path (`dryRun: All` with `dryRun`). */
  apply(path: string, object: KubeObject, fieldManager: string, opts: { force?: boolean; dryRun?: boolean } = {}): Promise<KubeObject> {
    const qs = new URLSearchParams({ fieldManager, ...(opts.force ? { force: 'true' } : {}), ...(opts.dryRun ? { dryRun: 'All' } : {}) });
    return this.json('PATCH', `${path}?${qs}`, object, 'application/apply-patch+yaml');
  }

  async delete(path: string, body?: KubeObject): Promise<void> {
    try {
      await this.json('DELETE', path, body);
    } catch (err) {
      if (!(err instanceof KubeApiError && err.status === 404)) throw err;
    }
  }
}
