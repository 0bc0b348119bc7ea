import http from 'node:http';
import https from 'node:https';

/** A server that answers nothing for this long has failed the scenario. */
const TIMEOUT_MS = 60_000;

/**
 * GETs JSON over one kept-alive connection, as a browser reuses one. The
 * suite measured through Node's fetch before: its web streams cost the
 * client ~1.5 ms a request on these machines (keep-alive probe at scale M),
 * time the server never spent. An idle kept-alive socket does not hold the
 * process open (the agent unrefs it).
 */
export class KeepAliveClient {
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;

  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string>,
  ) {
    this.transport = baseUrl.startsWith('https:') ? https : http;
    this.agent = new this.transport.Agent({ keepAlive: true, maxSockets: 1 });
  }

  getJson(path: string): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const request = this.transport.get(
        `${this.baseUrl}${path}`,
        { agent: this.agent, headers: this.headers, timeout: TIMEOUT_MS },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            if (response.statusCode !== 200) {
              reject(new Error(`GET ${path} answered ${response.statusCode}`));
              return;
            }
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
        },
      );
      request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out`)));
      request.on('error', reject);
    });
  }
}
