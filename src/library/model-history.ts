import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { ModelHistory } from './library-shapes.js';

/** A model's field origins and earlier values (newest replacement first). */
export async function readModelHistory(db: Kysely<Database>, id: string): Promise<ModelHistory> {
  const [fields, earlier] = await Promise.all([
    db.selectFrom('model_fields').selectAll().where('model_id', '=', id).orderBy('field').execute(),
    db.selectFrom('model_history').selectAll().where('model_id', '=', id).orderBy('replaced_at', 'desc').orderBy('id', 'desc').execute(),
  ]);
  return {
    fields: fields.map((row) => ({ field: row.field, source: row.source, writtenAt: row.written_at, manual: row.manual === 1 })),
    earlier: earlier.map((row) => ({
      field: row.field,
      value: JSON.parse(row.value),
      source: row.source,
      writtenAt: row.written_at,
      replacedAt: row.replaced_at,
      replacedBy: row.replaced_by,
    })),
  };
}
