// Words of 4+ letters that say nothing about what happened: greetings, pronouns, auxiliaries and
// connectives of the languages customers write to a Spanish contact centre in (Spanish, Catalan,
// Portuguese, English), folded (no accents). Counting them would make every busy hour look like a
// spike of "hola".
const WORDS = `
hola buenas buenos buena bueno dias tardes noches gracias favor saludos saludo atentamente cordialmente un saludo
para pero como esta este esto estos estas estoy estamos estan estais estar estado estaba estaban
tengo tiene tienen tenemos teneis tener tenia tenian tenido hace hacer hecho hemos habia habian haber hay
todo toda todos todas nada algo alguien nadie otro otra otros otras mismo misma mucho mucha muchos muchas
poco poca muy mas menos tambien tampoco ahora antes despues luego todavia aun siempre nunca
cuando donde porque pues aunque mientras sino solo sola sobre entre hasta desde hacia contra segun durante
esos esas aquel aquella ellos ellas nosotros vosotros usted ustedes suyo suya mios mias nuestro nuestra vuestro
puedo puede pueden podemos poder podria quiero quiere queremos querer sido seria sean siendo eres
vale bien claro gente cosa cosas veces tiempo dias hora horas minutos semana casa favor porfa porfavor
alguna alguno algunos algunas cual cuales quien quienes cuanto cuanta cuantos cada
perque tambe pero aixo aquest aquesta amb sense molt molta tots totes encara ara avui
isto esta estou tenho obrigado obrigada voce voces nosso nossa
that this with have from your there they them then than what when where which while will would
been being were does doing done just like into onto about after before again also only over such
very some more most much many other others here hers their theirs thanks thank please hello dear regards
`;

export const STOP_WORDS: ReadonlySet<string> = new Set(WORDS.split(/\s+/).filter((w) => w.length >= 4));
