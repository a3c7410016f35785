import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretBox } from '../../src/deploy/secrets.js';
import { tempDataDir } from './deploy-fixtures.js';

describe('SecretBox', () => {
  const dataDir = tempDataDir();
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('encrypts with a fresh IV each time and decrypts with the same key file', () => {
    const box = SecretBox.fromConfig({ dataDir });
    const first = box.encrypt('sk-live-abc');
    const second = box.encrypt('sk-live-abc');
    expect(first).not.toBe(second);
    expect(first).not.toContain('sk-live');
    expect(SecretBox.fromConfig({ dataDir }).decrypt(first)).toBe('sk-live-abc');
    expect((fs.statSync(`${dataDir}/secret.key`).mode & 0o777).toString(8)).toBe('600');
  });

  it('uses DEVUP_SECRET_KEY when set and says so clearly when the key changed', () => {
    const stored = SecretBox.fromConfig({ dataDir, secretKey: 'a-configured-secret-key-1' }).encrypt('sk-ant-xyz');
    expect(SecretBox.fromConfig({ dataDir, secretKey: 'a-configured-secret-key-1' }).decrypt(stored)).toBe('sk-ant-xyz');
    expect(() => SecretBox.fromConfig({ dataDir }).decrypt(stored)).toThrow('the secret key changed since it was stored');
  });

  it('rejects a tampered ciphertext (GCM authentication)', () => {
    const box = SecretBox.fromConfig({ dataDir });
    const [version, iv, tag, ciphertext] = box.encrypt('sk-tamper').split(':');
    const flipped = Buffer.from(ciphertext, 'base64url');
    flipped[0] ^= 1;
    expect(() => box.decrypt([version, iv, tag, flipped.toString('base64url')].join(':'))).toThrow(/cannot be decrypted/);
  });
});
