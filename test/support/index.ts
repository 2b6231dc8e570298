export * from './cluster.js';
export * from './namespace.js';
export * from './ports.js';
export * from './wait.js';
