/**
 * `createHash` for the storage contract in runtimes without `node:crypto`: the contract only
 * compares digests for equality, so two 32-bit FNV-1a lanes serve (not a real SHA-256).
 *
 * @module
 */

class Hash {
  private a: number;
  private b: number;
  private length: number;

  constructor(a = 0x811c9dc5, b = 0x01000193, length = 0) {
    this.a = a;
    this.b = b;
    this.length = length;
  }

  update(bytes: Uint8Array): this {
    for (const byte of bytes) {
      this.a = Math.imul(this.a ^ byte, 0x01000193);
      this.b = Math.imul(this.b ^ byte ^ (this.length++ & 0xff), 0x01000193);
    }
    return this;
  }

  copy(): Hash {
    return new Hash(this.a, this.b, this.length);
  }

  digest(_encoding: string): string {
    return `${(this.a >>> 0).toString(16)}-${(this.b >>> 0).toString(16)}-${this.length}`;
  }
}

export function createHash(_algorithm: string): Hash {
  return new Hash();
}
