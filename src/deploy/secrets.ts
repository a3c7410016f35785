import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DevupError } from '../errors.js';
import { makePrivateDirectory } from '../private-files.js';

const keyFileName = 'secret.key';
const formatVersion = 'v1';

/**
 * Encrypts upstream API keys at rest with AES-256-GCM. The key is derived from
 * `config.secretKey` (DEVUP_SECRET_KEY) when set, else read from `<dataDir>/secret.key`
 * (32 random bytes, created with mode 0600 on first use).
 *
 * @example
 *   const box = SecretBox.fromConfig(config);
 *   const stored = box.encrypt('sk-live-…'); // "v1:<iv>:<tag>:<ciphertext>", safe to store
 *   box.decrypt(stored); // 'sk-live-…'
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromConfig(config: { secretKey?: string; dataDir: string }): SecretBox {
    if (config.secretKey) return new SecretBox(crypto.createHash('sha256').update(config.secretKey).digest());
    return new SecretBox(readOrCreateKeyFile(config.dataDir));
  }

  encrypt(plaintext: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [formatVersion, iv, cipher.getAuthTag(), ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join(':');
  }

  decrypt(stored: string): string {
    const [version, iv, tag, ciphertext] = stored.split(':');
    if (version !== formatVersion || !iv || !tag || ciphertext === undefined) {
      throw new DevupError('internal_error', 'A stored secret has an unknown format');
    }
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch (error) {
      // A changed DEVUP_SECRET_KEY or a replaced secret.key file: say so rather than "bad decrypt".
      throw new DevupError('internal_error', 'A stored secret cannot be decrypted: the secret key changed since it was stored', {
        cause: error,
      });
    }
  }
}

function readOrCreateKeyFile(dataDir: string): Buffer {
  const file = path.join(dataDir, keyFileName);
  if (fs.existsSync(file)) {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new DevupError('internal_error', `${file} must hold 32 bytes in base64`);
    return key;
  }
  const key = crypto.randomBytes(32);
  makePrivateDirectory(dataDir);
  // 'wx' fails if another process created the file in the meantime; then use theirs.
  try {
    fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateKeyFile(dataDir);
    throw error;
  }
  return key;
}
