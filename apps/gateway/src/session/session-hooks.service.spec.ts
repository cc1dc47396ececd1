import { SessionAdmission } from './session-hooks';
import { SessionHooks } from './session-hooks.service';
import { ADMISSION_PIPELINE, AdmissionStep } from './admission-pipeline';

/** A step's instance without its dependencies: only its class matters to the ordering. */
const stepOf = (step: AdmissionStep): SessionAdmission => Object.create(step.prototype) as SessionAdmission;
const namesOf = (admissions: readonly SessionAdmission[]) => admissions.map((a) => a.constructor.name);

describe(SessionHooks.name, () => {
  it('lists drain, auth, origin, usage health, credits and the session limit, in that order', () => {
    expect(ADMISSION_PIPELINE.map((step) => step.name)).toEqual([
      'DrainAdmission',
      'AuthAdmission',
      'OriginAdmission',
      'UsageAdmission',
      'CreditsAdmission',
      'SessionLimitAdmission',
    ]);
  });

  it('runs the steps in the list order, whatever order their modules registered them in', () => {
    const sut = new SessionHooks();
    for (const step of [...ADMISSION_PIPELINE].reverse()) sut.addAdmission(stepOf(step));
    expect(namesOf(sut.admissions)).toEqual(ADMISSION_PIPELINE.map((step) => step.name));
    expect(() => sut.onApplicationBootstrap()).not.toThrow();
  });

  it('runs appended admissions after every step, in the order appended', () => {
    const sut = new SessionHooks();
    const first: SessionAdmission = { admit: async () => undefined };
    const second: SessionAdmission = { admit: async () => undefined };
    sut.appendAdmission(first);
    sut.addAdmission(stepOf(ADMISSION_PIPELINE[1]));
    sut.appendAdmission(second);
    sut.addAdmission(stepOf(ADMISSION_PIPELINE[0]));
    expect(sut.admissions).toEqual([
      expect.any(ADMISSION_PIPELINE[0]),
      expect.any(ADMISSION_PIPELINE[1]),
      first,
      second,
    ]);
  });

  it('refuses to register a class that is not in the pipeline', () => {
    class UnlistedAdmission implements SessionAdmission {
      admit = async () => undefined;
    }
    expect(() => new SessionHooks().addAdmission(new UnlistedAdmission())).toThrow(
      'UnlistedAdmission is not a step of ADMISSION_PIPELINE',
    );
  });

  it('fails the boot when a listed step was never registered', () => {
    const sut = new SessionHooks();
    for (const step of ADMISSION_PIPELINE.slice(0, -1)) sut.addAdmission(stepOf(step));
    expect(() => sut.onApplicationBootstrap()).toThrow('admission steps never registered: SessionLimitAdmission');
  });
});
