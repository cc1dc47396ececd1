/**
 * A module's slice of the validated gateway config, resolved once at boot and provided by its class.
 * Its fields are set by name: a positional list of numbers would let two of them trade places unnoticed.
 */
export abstract class ConfigSlice<Fields> {
  constructor(fields: Fields) {
    Object.assign(this, fields);
  }
}
