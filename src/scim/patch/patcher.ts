import type SCIMMY from 'scimmy';
import type { Json } from '../json.js';
import { addAt } from './add.js';
import type { PatchOperation, PathOperation } from './operation.js';
import { resolveTarget, type Target } from './path.js';
import { removeAt } from './remove.js';
import { replaceAt } from './replace.js';
import { pathOperations } from './without-path.js';

type Definition = SCIMMY.Types.SchemaDefinition;

const byOp: Record<PatchOperation['op'], (target: Target, value: unknown) => void> = { add: addAt, replace: replaceAt, remove: removeAt };

/**
 * Applies PATCH operations to a resource held as plain SCIM JSON (a User),
 * in order, guided by the schema definition. The result is validated like a
 * PUT body by the caller; nothing is written unless every operation applies.
 */
export class ResourcePatcher {
  constructor(
    private readonly definition: Definition,
    private readonly coreSchema: string,
    private readonly resourceId: string,
  ) {}

  apply(document: Json, operations: PatchOperation[]): Json {
    for (const operation of operations) {
      const steps = operation.path ? [operation as PathOperation] : pathOperations(this.definition, this.resourceId, operation);
      for (const step of steps) byOp[step.op](resolveTarget(this.definition, this.coreSchema, document, step.path), step.value);
    }
    return document;
  }
}
