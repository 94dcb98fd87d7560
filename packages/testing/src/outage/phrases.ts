/**
 * What customers write, by service and by kind. `{w}` marks the word that names the service, so
 * the generator can misspell it; every other word is left as a person would type it. Nothing
 * here quotes a real message or a real person.
 */

/** A complaint naming a service by one of its words. */
export interface Complaint {
  t: string;
  w: string;
}

export interface ServiceSpeech {
  /** The workspace's label, as an admin types it. */
  label: string;
  /** The words that name it (the workspace setting), folded or not: the matcher folds them. */
  terms: string[];
  es: Complaint[];
  en: Complaint[];
  slang: Complaint[];
  /** Email subjects naming the service. */
  subjects: string[];
}

export const SERVICES: readonly ServiceSpeech[] = [
  {
    label: 'fibra',
    terms: ['fibra', 'fibra óptica', 'internet', 'router', 'wifi'],
    es: [
      { t: 'No tengo {w}', w: 'internet' },
      { t: 'Se me ha caído la {w}', w: 'fibra' },
      { t: 'La {w} no funciona', w: 'fibra' },
      { t: 'Estoy sin {w}', w: 'fibra' },
      { t: 'El {w} tiene la luz roja fija', w: 'router' },
      { t: 'El {w} no conecta', w: 'router' },
      { t: 'No va el {w}', w: 'wifi' },
      { t: 'Se ha cortado {w} en todo el edificio', w: 'internet' },
      { t: 'La {w} óptica está caída', w: 'fibra' },
      { t: 'Me he quedado sin {w} y sin fijo', w: 'internet' },
    ],
    en: [
      { t: 'No {w} at home', w: 'internet' },
      { t: 'My {w} connection is down', w: 'fibre' },
      { t: 'The {w} shows a red light', w: 'router' },
      { t: 'The {w} is not working at all', w: 'wifi' },
      { t: 'Is there an outage? The {w} is down', w: 'internet' },
    ],
    slang: [
      { t: 'la {w} otra vez KO', w: 'fibra' },
      { t: 'q no tengo {w} tio', w: 'internet' },
      { t: '{w} caída y yo teletrabajando 💀', w: 'fibra' },
      { t: 'me cago en la {w}', w: 'fibra' },
      { t: 'sin {w} x enésima vez', w: 'internet' },
      { t: 'el {w} parpadeando y nada de nada', w: 'router' },
      { t: 'ni {w} ni nada, vaya tela', w: 'wifi' },
      { t: 'sin {w} desde q me levanté', w: 'interné' },
    ],
    subjects: ['Avería de fibra', 'Sin internet', 'Router sin conexión', 'Incidencia fibra óptica', 'No funciona internet'],
  },
  {
    label: 'móvil',
    terms: ['móvil', 'cobertura', 'datos móviles', 'llamadas', 'sms'],
    es: [
      { t: 'No tengo {w} en el móvil', w: 'cobertura' },
      { t: 'No puedo hacer {w}', w: 'llamadas' },
      { t: 'El {w} no tiene señal', w: 'móvil' },
      { t: 'Los datos del {w} no van', w: 'móvil' },
      { t: 'Me quedo sin {w} en casa', w: 'cobertura' },
    ],
    en: [{ t: 'I cannot send {w} or make calls', w: 'sms' }],
    slang: [
      { t: 'cero {w} en el metro otra vez', w: 'cobertura' },
      { t: 'el {w} muerto, ni una raya', w: 'móvil' },
    ],
    subjects: ['Sin cobertura', 'Problema con el móvil', 'No puedo hacer llamadas'],
  },
  {
    label: 'TV',
    terms: ['tv', 'tele', 'televisión', 'decodificador', 'canales'],
    es: [
      { t: 'El {w} no arranca', w: 'decodificador' },
      { t: 'No se ven los {w} de deportes', w: 'canales' },
      { t: 'La {w} se queda en negro', w: 'tele' },
      { t: 'Me sale un error en la {w}', w: 'tele' },
    ],
    en: [{ t: 'The {w} box does not start', w: 'TV' }],
    slang: [{ t: 'la {w} sin imagen justo en el partido 🙄', w: 'tele' }],
    subjects: ['Problema con la tele', 'Decodificador averiado', 'Canales sin imagen'],
  },
  {
    label: 'factura',
    terms: ['factura', 'recibo', 'cobro', 'cargo'],
    es: [
      { t: 'Me habéis cobrado dos veces la {w} de este mes', w: 'factura' },
      { t: 'No me ha llegado el {w}', w: 'recibo' },
      { t: 'Hay un {w} que no reconozco', w: 'cargo' },
      { t: 'Quiero la {w} en papel', w: 'factura' },
      { t: 'El {w} de marzo está mal', w: 'recibo' },
    ],
    en: [{ t: 'I was charged twice on the last {w}', w: 'factura' }],
    slang: [{ t: 'otra {w} inflada, q morro', w: 'factura' }],
    subjects: ['Factura incorrecta', 'Duda con el recibo', 'Cobro duplicado'],
  },
];

/** Openers, time words, closings and emoji around a Spanish complaint. */
export const ES = {
  openers: ['', '', 'Hola,', 'Buenos días.', 'Buenas tardes,', '¡Otra vez!', 'Hola, buenas.'],
  times: ['desde esta mañana', 'desde hace dos horas', 'desde las 8', 'desde anoche', 'desde hace un rato', 'todo el día'],
  places: ['en {p}.', 'Vivo en {p}.', 'Zona {p}.', '({p})', 'Aquí en {p} igual.', 'Soy de {p}.'],
  closings: [
    '',
    '¿Qué pasa?',
    '¿Sabéis algo?',
    'Necesito teletrabajar.',
    'Gracias.',
    'Esto es una vergüenza.',
    '¿Para cuándo estará arreglado?',
  ],
  emoji: ['😡', '🤬', '😤', '🙄', '📵', '😩', '💀'],
  neutralSubjects: ['Avería', 'Urgente', 'Incidencia', 'Sin servicio', 'Ayuda, por favor'],
};

export const EN = {
  times: ['since this morning', 'for two hours now', 'since last night', 'all day'],
  places: ['in {p}.', 'I live in {p}.', '({p})'],
  closings: ['', 'Any news?', 'Please fix it.', 'Thanks.'],
  subjects: ['Outage?', 'Service down', 'Help please'],
};

/** Sounds like an outage, names no service: "no me va nada desde esta mañana". */
export const OUTAGE_LIKE: readonly string[] = [
  'No me va nada desde esta mañana',
  '¿Hay alguna caída? Todo está muerto en casa',
  'Otra vez sin servicio, qué vergüenza',
  'Nada funciona, ¿qué está pasando?',
  'Llevo horas sin poder trabajar, ¿alguien sabe algo?',
  '¿Tenéis alguna incidencia ahora mismo?',
  'Esto no puede ser, todo caído otra vez 😡',
  'Se ha ido todo de golpe hace un rato',
];

/** A word two edits from a service word, in a message about something else. */
export const NEAR_MISSES: readonly { t: string; w: string; of: string }[] = [
  { t: 'Tengo fiebre y no podré ir a la tienda a recoger el pedido', w: 'fiebre', of: 'fibra' },
  { t: 'Mi hijo tiene fiebre, ¿puedo cambiar la cita del técnico?', w: 'fiebre', of: 'fibra' },
  { t: 'Busco el libro de instrucciones que venía en la caja', w: 'libro', of: 'fibra' },
  { t: '¿Me devolvéis lo que sobra del pago de ayer?', w: 'sobra', of: 'fibra' },
  { t: 'El técnico no cobra el desplazamiento, ¿verdad?', w: 'cobra', of: 'fibra' },
  { t: 'Tengo el brazo inmóvil y no puedo escribir mucho', w: 'inmóvil', of: 'móvil' },
  { t: 'Os mando una captura de pantalla del error de la app', w: 'captura', of: 'factura' },
];

/** Catalan and Portuguese messages about other things. */
export const OTHER_LANGUAGE: readonly { t: string; lang: 'ca' | 'pt'; subject: string }[] = [
  { t: 'Bon dia, voldria canviar el compte bancari on em passeu els rebuts.', lang: 'ca', subject: 'Canvi de compte' },
  { t: "No puc entrar a l'àrea de clients amb la meva contrasenya.", lang: 'ca', subject: 'Contrasenya' },
  { t: 'A quina hora obre la botiga del carrer Major?', lang: 'ca', subject: 'Horari' },
  { t: 'Voldria donar-me de baixa del servei de música.', lang: 'ca', subject: 'Baixa' },
  { t: 'Olá, quero mudar o meu tarifário para um mais barato.', lang: 'pt', subject: 'Mudança de tarifário' },
  { t: 'Qual é o horário da loja do centro?', lang: 'pt', subject: 'Horário' },
  { t: 'Não consigo entrar na área de cliente.', lang: 'pt', subject: 'Área de cliente' },
  { t: 'Gostaria de atualizar a minha morada.', lang: 'pt', subject: 'Morada' },
];

/** Everyday questions that name no service. */
export const GENERAL: readonly { t: string; lang: 'es' | 'en'; subject: string }[] = [
  { t: 'Quiero cambiar la dirección de envío de mi pedido', lang: 'es', subject: 'Cambio de dirección' },
  { t: '¿A qué hora abre la tienda del centro?', lang: 'es', subject: 'Horario' },
  { t: '¿Cómo cambio la contraseña del área de clientes?', lang: 'es', subject: 'Contraseña' },
  { t: 'Gracias por la atención de ayer, todo perfecto', lang: 'es', subject: 'Gracias' },
  { t: 'Quiero darme de baja de la publicidad', lang: 'es', subject: 'Baja publicidad' },
  { t: '¿Puedo cambiar la titularidad del contrato?', lang: 'es', subject: 'Titularidad' },
  { t: 'Me he mudado, ¿cómo actualizo mis datos?', lang: 'es', subject: 'Mudanza' },
  { t: 'Hi, how do I update my postal address?', lang: 'en', subject: 'Address change' },
  { t: 'What time does the shop open on Saturday?', lang: 'en', subject: 'Opening hours' },
];

export const GENERAL_SUBJECTS = {
  outageLike: ['Urgente', 'No funciona nada', 'Incidencia', '¿Qué pasa?'],
  nearMiss: ['Consulta', 'Pregunta', 'Duda'],
};

/** The speech of a service by its label (accents and case ignored). */
export function serviceSpeech(label: string, fold: (s: string) => string): ServiceSpeech {
  const found = SERVICES.find((s) => fold(s.label) === fold(label));
  if (!found) throw new Error(`createOutage: no phrases for service ${label}; known: ${SERVICES.map((s) => s.label).join(', ')}`);
  return found;
}
