import type { Strings } from './strings.ts';

// The privacy guard in the conversation: personal data found in a message or in a reply.
export const en = {
  /** As they read inside a sentence: "This public post contains a DNI and an IBAN." */
  types: {
    dni: 'a DNI',
    nie: 'an NIE',
    nif: 'a NIF',
    iban: 'an IBAN',
    card: 'a payment card number',
    phone: 'a phone number',
    email: 'an email address',
    ssn_es: 'a social security number',
    iccid: 'a SIM card number (ICCID)',
    imei: 'an IMEI',
    custom: 'one of your own identifiers',
  },
  /** As a label on the data itself. */
  names: {
    dni: 'DNI',
    nie: 'NIE',
    nif: 'NIF',
    iban: 'IBAN',
    card: 'Payment card',
    phone: 'Phone number',
    email: 'Email address',
    ssn_es: 'Social security number',
    iccid: 'SIM card number (ICCID)',
    imei: 'IMEI',
    custom: 'Your own identifier',
  },
  message: {
    public: 'This public post contains {{types}}.',
    private: 'This message contains {{types}}.',
    masked: 'Hidden: you need the pii.view permission to see it.',
    move: 'Move to a private channel',
  },
  composer: {
    warning: 'This public reply contains {{types}}: it would be refused. Send it privately, or take it out.',
    refusedTitle: 'Personal data in a public reply',
  },
};

export const es: Strings<typeof en> = {
  types: {
    dni: 'un DNI',
    nie: 'un NIE',
    nif: 'un NIF',
    iban: 'un IBAN',
    card: 'un número de tarjeta de pago',
    phone: 'un número de teléfono',
    email: 'una dirección de email',
    ssn_es: 'un número de la Seguridad Social',
    iccid: 'un número de tarjeta SIM (ICCID)',
    imei: 'un IMEI',
    custom: 'uno de vuestros identificadores propios',
  },
  names: {
    dni: 'DNI',
    nie: 'NIE',
    nif: 'NIF',
    iban: 'IBAN',
    card: 'Tarjeta de pago',
    phone: 'Número de teléfono',
    email: 'Dirección de email',
    ssn_es: 'Número de la Seguridad Social',
    iccid: 'Número de tarjeta SIM (ICCID)',
    imei: 'IMEI',
    custom: 'Identificador propio',
  },
  message: {
    public: 'Esta publicación pública contiene {{types}}.',
    private: 'Este mensaje contiene {{types}}.',
    masked: 'Oculto: necesitas el permiso pii.view para verlo.',
    move: 'Pasar a un canal privado',
  },
  composer: {
    warning: 'Esta respuesta pública contiene {{types}}: se rechazaría. Envíala en privado o quítalo.',
    refusedTitle: 'Datos personales en una respuesta pública',
  },
};
