/** The address of seeded contact i: what the seeder encrypts and the eligibility check asks about. */
export const seededEmail = (index: number) => `contact${index}@example.com`;
