/* The `bridgeport` command. */
console.log('Bridgeport local runtime: not built yet.');
