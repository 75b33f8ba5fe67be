// Verifies a credential issued by Shamy with Digital Bazaar's reference implementation
// (@digitalbazaar/vc + @digitalbazaar/eddsa-rdfc-2022-cryptosuite), fully offline: the document
// loader serves the JSON-LD contexts bundled with the platform (shamy/credentials/vc/contexts)
// and the issuer's documents given in documents.json (URL -> document), and refuses anything else.
//
//   node verify.mjs <dir>   (dir holds credential.json and documents.json)
//
// Prints one JSON line: {"verified": bool, "revoked": bool|null, "error": string|null}.
import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const here = dirname(fileURLToPath(import.meta.url));
const contextsDir = join(here, '..', '..', 'shamy', 'credentials', 'vc', 'contexts');
const index = JSON.parse(readFileSync(join(contextsDir, 'index.json'), 'utf8'));
const dir = process.argv[2];
const credential = JSON.parse(readFileSync(join(dir, 'credential.json'), 'utf8'));
const documents = JSON.parse(readFileSync(join(dir, 'documents.json'), 'utf8'));

const documentLoader = async url => {
  if(url in documents) {
    return {contextUrl: null, documentUrl: url, document: documents[url]};
  }
  if(!url.startsWith('_') && url in index) {
    const document = JSON.parse(readFileSync(join(contextsDir, index[url]), 'utf8'));
    return {contextUrl: null, documentUrl: url, document};
  }
  throw new Error(`refused (offline): ${url}`);
};

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

// BitstringStatusListEntry: the list credential must itself verify, then its bit is read.
async function checkStatus({credential}) {
  const entry = credential.credentialStatus;
  const listUrl = entry.statusListCredential;
  const list = documents[listUrl];
  if(!list) {
    return {verified: false, error: new Error(`no status list ${listUrl}`)};
  }
  const listResult = await vc.verifyCredential({credential: list, suite, documentLoader});
  if(!listResult.verified) {
    return {verified: false, error: new Error('status list credential does not verify')};
  }
  const encoded = list.credentialSubject.encodedList;
  const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  const index = Number(entry.statusListIndex);
  const revoked = Boolean(bits[index >> 3] & (0x80 >> (index % 8)));
  checkStatus.revoked = revoked;
  return {verified: !revoked};
}

let output;
try {
  const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
  const errors = [];
  const collect = e => {
    if(!e) { return; }
    if(Array.isArray(e)) { e.forEach(collect); return; }
    if(e.errors) { collect(e.errors); } else { errors.push(e.message || String(e)); }
  };
  collect(result.error);
  for(const r of result.results || []) { collect(r.error); }
  for(const r of (result.statusResult && [result.statusResult]) || []) { collect(r.error); }
  const error = errors.length ? errors.join('; ') : null;
  output = {verified: result.verified, revoked: checkStatus.revoked ?? null, error};
} catch(e) {
  output = {verified: false, revoked: null, error: String(e && e.message || e)};
}
process.stdout.write(JSON.stringify(output) + '\n');
