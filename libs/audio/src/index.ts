export * from './encoding';
export * from './wav';
export * from './duration';
export * from './g711';
