export * from './appProcess';
export * from './contracts';
export * from './devnet';
export * from './http';
export * from './user';
