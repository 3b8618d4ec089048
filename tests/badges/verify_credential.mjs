// An independent verifier for the tests: Digital Credentials Consortium's verifier-core for the
// embedded Data Integrity proof (it bundles the VC 2.0 and OB 3.0 contexts and resolves did:web),
// and panva's jose for the VC-JWT. Offline: the only host it may reach is the test server named by
// SITE_ORIGIN (host:port), whose https:// URLs (did:web always means https) are sent to it over
// http; every other request is refused, so nothing is fetched from the network.
//
// usage: SITE_ORIGIN=localhost:8123 node verify_credential.mjs data-integrity|jwt < credential
// prints one JSON object: {verified, log|errors, ...}
import fs from 'node:fs';

const origin = process.env.SITE_ORIGIN;
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  let url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
  if (url.startsWith(`https://${origin}/`)) {
    url = 'http://' + url.slice('https://'.length);
  } else if (!url.startsWith(`http://${origin}/`)) {
    return Promise.reject(new TypeError(`offline verifier: refused to fetch ${url}`));
  }
  return realFetch(typeof input === 'string' || input instanceof URL ? url : new Request(url, input), init);
};

const mode = process.argv[2];
const text = fs.readFileSync(0, 'utf8').trim();

async function verifyDataIntegrity() {
  const { verifyCredential } = await import('@digitalcredentials/verifier-core');
  const result = await verifyCredential({ credential: JSON.parse(text), knownDIDRegistries: [] });
  const steps = Object.fromEntries((result.log ?? []).map(step => [step.id, step.valid ?? false]));
  const failed = Boolean(result.errors) || ['valid_signature', 'expiration', 'revocation_status']
    .some(id => id in steps && steps[id] !== true) || steps.valid_signature !== true;
  return {
    verified: !failed,
    steps,
    errors: (result.errors ?? []).map(error => ({ name: error.name, message: error.message })),
    statusErrors: (result.log ?? []).filter(step => step.error).map(step => step.error),
  };
}

async function verifyJwt() {
  const jose = await import('jose');
  const header = jose.decodeProtectedHeader(text);
  const response = await fetch(header.kid);
  if (!response.ok) return { verified: false, errors: [{ name: 'kid', message: `${header.kid} answered ${response.status}` }] };
  const key = await jose.importJWK(await response.json(), 'EdDSA');
  try {
    const { payload } = await jose.jwtVerify(text, key, { algorithms: ['EdDSA'] });
    return { verified: true, payload };
  } catch (error) {
    return { verified: false, errors: [{ name: error.code ?? error.name, message: error.message }] };
  }
}

const result = mode === 'jwt' ? await verifyJwt() : await verifyDataIntegrity();
console.log(JSON.stringify(result));
