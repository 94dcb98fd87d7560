import { describe, expect, it } from 'vitest';
import { foldText } from './fold.ts';
import { placesIn, regionCovers } from './places.ts';

describe('foldText', () => {
  it('drops accents, case, punctuation and extra spaces', () => {
    expect(foldText('  ¡Sin CONEXIÓN   en A Coruña!! ')).toBe('sin conexion en a coruna');
    expect(foldText('L’Hospitalet de Llobregat')).toBe('l hospitalet de llobregat');
  });
});

describe('placesIn', () => {
  it('names a town by its province and community, and Madrid as both', () => {
    expect(placesIn('sin fibra en Getafe, Madrid')).toEqual(['ES-MD', 'ES-M']);
    expect(placesIn('Desde ayer no va nada en SABADELL ni en terrassa')).toEqual(['ES-CT', 'ES-B']);
    expect(placesIn('caída en Bilbao')).toEqual(['ES-PV', 'ES-BI']);
    expect(placesIn('vivo en Cataluña')).toEqual(['ES-CT']);
  });

  it('reads the co-official and older names alike, accents or not', () => {
    for (const name of ['A Coruña', 'La Coruña', 'a coruna']) expect(placesIn(`estoy en ${name}`)).toEqual(['ES-GA', 'ES-C']);
    for (const name of ['Girona', 'Gerona']) expect(placesIn(name)).toEqual(['ES-CT', 'ES-GI']);
    for (const name of ['Bizkaia', 'Vizcaya']) expect(placesIn(name)).toEqual(['ES-PV', 'ES-BI']);
    expect(placesIn('Lérida')).toEqual(placesIn('Lleida'));
  });

  it('prefers the longer name: San Sebastián de los Reyes is in Madrid', () => {
    expect(placesIn('en San Sebastián de los Reyes')).toEqual(['ES-MD', 'ES-M']);
    expect(placesIn('en San Sebastián')).toEqual(['ES-PV', 'ES-SS']);
  });

  it('takes names that are also words, names or brands for places only after "en" or "desde"', () => {
    expect(placesIn('León me dijo que llamara')).toEqual([]);
    expect(placesIn('vivo en León y no tengo línea')).toEqual(['ES-CL', 'ES-LE']);
    expect(placesIn('pagué con Banco Santander')).toEqual([]);
    expect(placesIn('desde Santander')).toEqual(['ES-CB', 'ES-S']);
    expect(placesIn('una granada')).toEqual([]);
    expect(placesIn('León, España', { location: true })).toEqual(['ES-CL', 'ES-LE', 'ES']);
  });

  it('matches whole words only', () => {
    expect(placesIn('madridista de corazón')).toEqual([]);
    expect(placesIn('mi parlamento')).toEqual([]);
    expect(placesIn('nothing here')).toEqual([]);
  });
});

describe('regionCovers', () => {
  it('lets a country cover its subdivisions and a community its provinces', () => {
    expect(regionCovers('ES', 'ES-MD')).toBe(true);
    expect(regionCovers('ES', 'ES-B')).toBe(true);
    expect(regionCovers('ES-CT', 'ES-B')).toBe(true);
    expect(regionCovers('ES-MD', 'ES-M')).toBe(true);
    expect(regionCovers('es-md', 'ES-MD')).toBe(true);
  });

  it('treats a single-province community and its province as the same land', () => {
    expect(regionCovers('ES-M', 'ES-MD')).toBe(true);
    expect(regionCovers('ES-NA', 'ES-NC')).toBe(true);
  });

  it('does not cover a neighbour, a wider region or another country', () => {
    expect(regionCovers('ES-MD', 'ES-CT')).toBe(false);
    expect(regionCovers('ES-B', 'ES-CT')).toBe(false);
    expect(regionCovers('ES-MD', 'ES')).toBe(false);
    expect(regionCovers('ES-B', 'ES-GI')).toBe(false);
    expect(regionCovers('ES', 'PT')).toBe(false);
    expect(regionCovers('ES', 'PT-11')).toBe(false);
  });
});
