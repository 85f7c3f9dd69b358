import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, type TestApp } from './app.ts';
import { healthSchema } from '../../api/routes/health.ts';

let t: TestApp;
beforeAll(async () => {
  t = await demoApp();
});
afterAll(async () => t.close());

describe('GET /api/health', () => {
  it('says the server is up, what data it serves and that the demo is synthetic', async () => {
    const res = await t.app.inject('/api/health');
    expect(res.statusCode).toBe(200);
    const body = healthSchema.parse(res.json());
    expect(body.synthetic).toBe(true);
    expect(body.data_as_of).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(body.version).toHaveLength(16);
  });

  it('sends security headers and no CORS header by default', async () => {
    const res = await t.app.inject({ url: '/api/health', headers: { origin: 'http://evil.test' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('errors', () => {
  it('answers an unknown route with a JSON 404', async () => {
    const res = await t.app.inject('/api/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route GET /api/nope' } });
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const doc = await t.app.inject('/api/openapi.json');
    expect(doc.statusCode).toBe(200);
    expect(doc.json().paths['/api/health']).toBeDefined();
    const page = await t.app.inject('/api/docs/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
  });
});

describe('the response cache', () => {
  it('sends gzip to clients that accept it, the same bytes once inflated', async () => {
    const { gunzipSync } = await import('node:zlib');
    const plain = await t.app.inject('/api/indicators');
    const zipped = await t.app.inject({
      url: '/api/indicators',
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toContain('accept-encoding');
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect(gunzipSync(zipped.rawPayload).toString()).toBe(plain.body);
    expect(zipped.headers.etag).toBe(plain.headers.etag);
  });
});
