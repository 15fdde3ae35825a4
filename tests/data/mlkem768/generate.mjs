// Produces vectors.txt: ML-KEM-768 known answers from @noble/post-quantum, an
// implementation independent of ours. See README.md for the exact commands.
//
// Inputs are derived, not random, so anyone can re-run this and get the same file:
// d, z and m of vector i are SHA-256("sshpp mlkem768 <name> <i>").
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';

// The package does not export its package.json, so read it beside the module.
const nobleVersion = JSON.parse(readFileSync(
  new URL('package.json', import.meta.resolve('@noble/post-quantum/ml-kem.js')), 'utf8')).version;

const sha256 = (data) => new Uint8Array(createHash('sha256').update(data).digest());
const hex = (b) => Buffer.from(b).toString('hex');
const derive = (name, i) => sha256(`sshpp mlkem768 ${name} ${i}`);
const concat = (a, b) => { const r = new Uint8Array(a.length + b.length); r.set(a); r.set(b, a.length); return r; };

// Big values (ek 1184, dk 2400, ct 1088 bytes) are written in full only for the
// first kFullVectors vectors; the rest carry their SHA-256 to keep the file small.
const kFullVectors = 3;
const lines = [
  `# ML-KEM-768 (FIPS 203) known answers from @noble/post-quantum ${nobleVersion}`,
  '# made by generate.mjs; see README.md. Blocks of "key = hex" lines, blank-line separated.',
  '',
];

function emit(fields) {
  for (const [k, v] of fields) lines.push(`${k} = ${v}`);
  lines.push('');
}

function inputs(i) {
  if (i === 0) return [new Uint8Array(32), new Uint8Array(32), new Uint8Array(32)];
  if (i === 1) return [new Uint8Array(32).fill(0xff), new Uint8Array(32).fill(0xff), new Uint8Array(32).fill(0xff)];
  return [derive('d', i), derive('z', i), derive('m', i)];
}

for (let i = 0; i < 10; i++) {
  const [d, z, m] = inputs(i);
  const { publicKey: ek, secretKey: dk } = ml_kem768.keygen(concat(d, z));
  const { cipherText: ct, sharedSecret: ss } = ml_kem768.encapsulate(ek, m);
  const back = ml_kem768.decapsulate(ct, dk);
  if (hex(back) !== hex(ss)) throw new Error(`noble round trip failed at ${i}`);
  const full = i < kFullVectors;
  emit([
    ['count', String(i)],
    ['d', hex(d)],
    ['z', hex(z)],
    ['m', hex(m)],
    full ? ['ek', hex(ek)] : ['ek_sha256', hex(sha256(ek))],
    full ? ['dk', hex(dk)] : ['dk_sha256', hex(sha256(dk))],
    full ? ['ct', hex(ct)] : ['ct_sha256', hex(sha256(ct))],
    ['ss', hex(ss)],
  ]);
}

// Implicit rejection: the honest ciphertext of (d, z, m) with one bit flipped must
// decapsulate to J(z || ct') = SHAKE256(z || ct', 32), not to the honest secret.
const flips = [[0, 0], [1087, 7], [500, 3]];
flips.forEach(([byte, bit], i) => {
  const d = derive('reject-d', i), z = derive('reject-z', i), m = derive('reject-m', i);
  const { publicKey: ek, secretKey: dk } = ml_kem768.keygen(concat(d, z));
  const { cipherText: ct, sharedSecret: ss } = ml_kem768.encapsulate(ek, m);
  const bad = Uint8Array.from(ct);
  bad[byte] ^= 1 << bit;
  const rejected = ml_kem768.decapsulate(bad, dk);
  if (hex(rejected) === hex(ss)) throw new Error('flipped ciphertext was accepted');
  emit([
    ['reject', String(i)],
    ['d', hex(d)],
    ['z', hex(z)],
    ['m', hex(m)],
    ['ss', hex(ss)],
    ['flip_byte', String(byte)],
    ['flip_bit', String(bit)],
    ['ss_reject', hex(rejected)],
  ]);
});

// FIPS 203 section 7.2 modulus check: noble must refuse an ek whose first
// coefficient is q = 3329 (0xd01); the C++ test builds the same key and expects an error.
{
  const { publicKey: ek } = ml_kem768.keygen(concat(derive('d', 0), derive('z', 0)));
  const bad = Uint8Array.from(ek);
  bad[0] = 0x01;
  bad[1] = (bad[1] & 0xf0) | 0x0d;
  let refused = false;
  try { ml_kem768.encapsulate(bad, new Uint8Array(32)); } catch { refused = true; }
  if (!refused) throw new Error('noble accepted an ek with a coefficient equal to q');
}

process.stdout.write(lines.join('\n'));
