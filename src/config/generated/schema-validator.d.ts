// Types for the generated standalone ajv validator (schema-validator.js).
export interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
export interface SchemaValidateFunction {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}
declare const validate: SchemaValidateFunction;
export default validate;
export { validate };
