// Types of what the root tests use from ours.mjs.
/** Every pooling op, by the name the layers and playground use (softPool for emPool), from core's op descriptors. */
export const OPS: string[];
