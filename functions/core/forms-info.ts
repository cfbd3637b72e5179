import * as z from 'zod';
import { kinds } from '../../forms/registry';
import { kindOrNotFound } from './engine';

/** What clients learn about the forms (API.md `GET /v1/forms`, `GET /v1/forms/{kind}`), from the declarations. */

export function listForms() {
  return kinds.map((k) => ({ kind: k.kind, title: k.title, public: k.createdBy === 'public' }));
}

/** JSON Schema of what a client sends (the input side: a phone is a string before it is normalised). */
export function jsonSchemaOf(schema: z.ZodType) {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
}

export function describeForm(kindName: string) {
  const kind = kindOrNotFound(kindName);
  return {
    kind: kind.kind,
    title: kind.title,
    public: kind.createdBy === 'public',
    schema: jsonSchemaOf(kind.schema),
    labels: kind.labels ?? {},
    enums: kind.enums ?? {},
    texts: kind.texts ?? {},
    stages: Object.fromEntries(
      Object.entries(kind.stages).map(([name, s]) => [name, { title: s.title, final: Boolean(s.final) }]),
    ),
    actions: Object.fromEntries(
      Object.entries(kind.actions).map(([name, a]) => [
        name,
        { title: a.title, from: a.from, input: jsonSchemaOf(a.input) },
      ]),
    ),
  };
}
