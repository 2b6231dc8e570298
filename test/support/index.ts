export * from './cluster.js';
export * from './namespace.js';
export * from './wait.js';
