import { describe, expect, it } from "vitest";
import { allergyWordsIn } from "./allergy-words.ts";

/** Which notes the board flags: words of allergies and intolerances, whole words only. */
describe("allergy words in a note", () => {
  it.each([
    ["No nuts please — severe allergy!", ["nuts", "allergy"]],
    ["My son is ALLERGIC to peanuts", ["allergic", "peanuts"]],
    ["coeliac, so gluten-free if you can", ["coeliac", "gluten-free"]],
    ["Celiac here", ["celiac"]],
    ["dairy and lactose intolerant", ["dairy", "lactose", "intolerant"]],
    ["no egg, no sesame, no soy", ["egg", "sesame", "soy"]],
    ["Hazelnut allergy", ["hazelnut", "allergy"]],
    ["she carries an EpiPen", ["epipen"]],
  ])("flags %j", (note, words) => {
    expect(allergyWordsIn(note)).toEqual(words);
  });

  it.each([
    "please slice the loaf",
    "Nutmeg on top would be lovely", // nut is a part of nutmeg, not a word of its own
    "Eggplant focaccia", // nor is egg of eggplant
    "I'll pick up at the side door",
    "",
  ])("leaves %j plain", (note) => {
    expect(allergyWordsIn(note)).toEqual([]);
  });
});
