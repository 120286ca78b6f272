/**
 * CityLots-shaped events for the pattern benchmarks: GeoJSON features in the shape of event-ruler's citylots2 data set
 * (`properties` with MAPBLKLOT / BLKLOT / STREET / ST_TYPE / FROM_ST …, `geometry` with `type`, `coordinates` as arrays
 * of {x,y,z} points and `firstCoordinates`), generated from a fixed seed.
 */
/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STREETS = [
  'FULTON',
  'MASON',
  'JEFFERSON',
  'BEACH',
  'HYDE',
  'CHESTNUT',
  'MISSION',
  'MARKET',
  'VALENCIA',
  'BRYANT',
  'FOLSOM',
  'HOWARD',
  'GEARY',
  'CALIFORNIA',
  'CLAY',
  'WASHINGTON',
  'JACKSON',
  'PACIFIC',
  'BROADWAY',
  'VALLEJO',
  'GREEN',
  'UNION',
  'FILBERT',
  'LOMBARD',
  'BAY',
  'NORTH POINT',
  'POLK',
  'LARKIN',
  'LEAVENWORTH',
  'TAYLOR',
  'POWELL',
  'STOCKTON',
  'GRANT',
  'KEARNY',
  'MONTGOMERY',
  'SANSOME',
  'BATTERY',
  'FRONT',
  'DAVIS',
  'DRUMM',
  'ACTON',
  'BLAKE',
  'DRUMMOND',
  'RHODE ISLAND',
  'ALABAMA',
  'HARRISON',
  'TREAT',
  'FLORIDA',
  'BALBOA',
  'ANZA',
  'CABRILLO',
  'IRVING',
  'JUDAH',
  'KIRKHAM',
  'LAWTON',
  'MORAGA',
  'NORIEGA',
  'ORTEGA',
  'PACHECO',
  'QUINTARA',
  'RIVERA',
  'SANTIAGO',
  'TARAVAL',
  'ULLOA',
  'VICENTE',
  'WAWONA',
  'SLOAT',
  'OCEAN',
  'GENEVA',
  'BAKER',
  'BLOOMING',
  'HAMPSHIRE',
  'YORK',
  'PARKING',
  'KING',
  'WALLER',
  'OAK',
  'FELL',
  'HAYES',
  'GROVE',
  'CHUMASERO',
];
const ST_TYPES = [
  ['ST', 0.55],
  ['AVE', 0.25],
  ['BLVD', 0.05],
  ['WAY', 0.05],
  ['TER', 0.04],
  ['PL', 0.03],
  [null, 0.03],
] as const;

export type CityLot = {
  type: 'Feature';
  properties: Record<string, string | null>;
  geometry: Record<string, unknown>;
};

/**
 * `pinned` lists MAPBLKLOT values to include with a given share of the events (scaled from the original data set,
 * so exact-match rules have something to find); the other lots come in runs of 1 (most) to a few hundred records
 * (condominium blocks), as in the original.
 */
export function generateEvents(count: number, seed: number, pinned: ReadonlyMap<string, number>): CityLot[] {
  const random = prng(seed);
  const int = (n: number): number => Math.floor(random() * n);
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  const lots: string[] = [];
  for (const [lot, share] of pinned) {
    for (let k = Math.max(1, Math.round(share * count)); k > 0 && lots.length < count; k--) lots.push(lot);
  }
  while (lots.length < count) {
    const lot = `${pad(1 + int(7700), 4)}${pad(1 + int(200), 3)}`;
    const run = random() < 0.97 ? 1 : 1 + Math.floor(1 / (0.003 + random()));
    for (let k = 0; k < run && lots.length < count; k++) lots.push(lot);
  }
  for (let i = lots.length - 1; i > 0; i--) {
    const j = int(i + 1);
    [lots[i], lots[j]] = [lots[j], lots[i]];
  }
  const events: CityLot[] = [];
  for (let i = 0; i < count; i++) {
    const mapblklot = lots[i];
    const block = mapblklot.slice(0, 4);
    const lot = mapblklot.slice(4);
    const stRoll = random();
    let acc = 0;
    let stType: string | null = 'ST';
    for (const [t, p] of ST_TYPES) {
      acc += p;
      if (stRoll < acc) {
        stType = t;
        break;
      }
    }
    const from = int(4000);
    const x0 = -122.52 + random() * 0.16;
    const y0 = 37.7 + random() * 0.11;
    const points = 4 + int(8);
    const ring: { x: number; y: number; z: number }[] = [];
    for (let p = 0; p < points; p++) {
      ring.push({ x: x0 + (random() - 0.5) * 0.0005, y: y0 + (random() - 0.5) * 0.0005, z: 0 });
    }
    ring.push({ ...ring[0] });
    const multi = random() < 0.0006;
    events.push({
      type: 'Feature',
      properties: {
        MAPBLKLOT: mapblklot,
        BLKLOT: mapblklot,
        BLOCK_NUM: block,
        LOT_NUM: lot,
        FROM_ST: String(from),
        TO_ST: String(from + int(50)),
        STREET: STREETS[int(STREETS.length)],
        ST_TYPE: stType,
        ODD_EVEN: from % 2 === 0 ? 'E' : 'O',
      },
      geometry: {
        type: multi ? 'MultiPolygon' : 'Polygon',
        coordinates: multi ? [[ring], [ring.map((pt) => ({ ...pt, x: pt.x + 0.001 }))]] : [ring],
        firstCoordinates: { ...ring[0] },
      },
    });
  }
  return events;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
