/** A plugin descriptor understood by the Rust engine. */
export interface PluginDescriptor<Id extends string = string, O = unknown> {
  id: Id;
  options: O;
}
