// A local HTTP stand-in for Twilio's Messages API (TWILIO_BASE_URL), so the real adapter's
// requests, auth and error handling are exercised: POST creates a message (form fields To, From,
// Body; HTTP Basic AccountSid:AuthToken), GET lists them newest first (filter To). Errors come in
// Twilio's shape: { code, message, more_info, status }.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_ACCOUNT_SID = 'AC' + '0123456789abcdef'.repeat(2);
export const FAKE_AUTH_TOKEN = 'f'.repeat(32);

export interface TwilioRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The form fields of a POST. */
  form: URLSearchParams;
  /** What the fake answered; 0 while hanging. */
  status: number;
}

export interface FakeMessage {
  sid: string;
  account_sid: string;
  to: string;
  from: string;
  body: string;
  status: string;
  direction: string;
  date_created: string;
}

export interface FakeTwilio {
  url: string;
  requests: TwilioRequest[];
  /** The messages "created", oldest first. */
  messages: FakeMessage[];
  /** The POSTs that tried to create a message. */
  creates(): TwilioRequest[];
  /** Answer the next `times` creates with this status and Twilio error (default 500 20500). */
  failNext(times: number, options?: { status?: number; code?: number; message?: string }): void;
  /** Never answer the next `times` creates; with `created`, the message exists all the same. */
  hangNext(times: number, options?: { created?: boolean }): void;
  /** Answer the next `times` list requests (GET) with 500. */
  failListNext(times: number): void;
  close(): Promise<void>;
}

export function twilioError(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

const E164 = /^\+[1-9]\d{1,14}$/;

export async function startFakeTwilio(options: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? FAKE_ACCOUNT_SID;
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${options.authToken ?? FAKE_AUTH_TOKEN}`).toString('base64')}`;
  const messagesPath = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const requests: TwilioRequest[] = [];
  const messages: FakeMessage[] = [];
  const failures: { times: number; status: number; code: number; message: string }[] = [];
  const hangs: { times: number; created: boolean }[] = [];
  let listFailures = 0;

  const create = (form: URLSearchParams): FakeMessage => {
    const message = {
      sid: 'SM' + randomBytes(16).toString('hex'),
      account_sid: accountSid,
      to: form.get('To')!,
      from: form.get('From')!,
      body: form.get('Body')!,
      status: 'queued',
      direction: 'outbound-api',
      date_created: new Date().toUTCString().replace('GMT', '+0000'),
    };
    messages.push(message);
    return message;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = Buffer.concat(chunks).toString('utf8');
      const request: TwilioRequest = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, form: new URLSearchParams(raw), status: 0 };
      requests.push(request);
      const answer = (status: number, body: unknown) => {
        request.status = status;
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };

      if (url.pathname !== messagesPath) return answer(404, twilioError(404, 20404, 'The requested resource was not found'));
      if (req.headers.authorization !== expectedAuth) return answer(401, twilioError(401, 20003, 'Authenticate'));
      if (req.method === 'GET') {
        if (listFailures > 0) {
          listFailures--;
          return answer(500, twilioError(500, 20500, 'Internal Server Error'));
        }
        const to = url.searchParams.get('To');
        const found = messages.filter((m) => !to || m.to === to).reverse();
        return answer(200, { messages: found, page: 0, page_size: Number(url.searchParams.get('PageSize') ?? 50) });
      }
      if (req.method !== 'POST') return answer(405, twilioError(405, 20004, 'Method not allowed'));
      if (!String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
        return answer(400, twilioError(400, 20001, 'Expected a form-encoded body'));
      }
      const form = request.form;
      const hang = hangs.find((h) => h.times > 0);
      if (hang) {
        hang.times--;
        if (hang.created) create(form);
        return; // no answer, ever (closeAllConnections ends it at close)
      }
      const failure = failures.find((f) => f.times > 0);
      if (failure) {
        failure.times--;
        return answer(failure.status, twilioError(failure.status, failure.code, failure.message));
      }
      if (!form.get('To')) return answer(400, twilioError(400, 21604, "A 'To' phone number is required."));
      if (!E164.test(form.get('To')!)) return answer(400, twilioError(400, 21211, `Invalid 'To' Phone Number: ${form.get('To')}`));
      if (!form.get('From')) return answer(400, twilioError(400, 21603, "A 'From' phone number is required."));
      if (!form.get('Body')) return answer(400, twilioError(400, 21602, 'Message body is required.'));
      answer(201, create(form));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messages,
    creates: () => requests.filter((r) => r.method === 'POST' && r.path === messagesPath),
    failNext(times, failure = {}) {
      const status = failure.status ?? 500;
      failures.push({ times, status, code: failure.code ?? (status === 429 ? 20429 : status >= 500 ? 20500 : 21211), message: failure.message ?? (status === 429 ? 'Too Many Requests' : 'Internal Server Error') });
    },
    hangNext(times, hang = {}) {
      hangs.push({ times, created: hang.created ?? false });
    },
    failListNext(times) {
      listFailures += times;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
