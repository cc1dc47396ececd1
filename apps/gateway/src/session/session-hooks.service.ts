import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ADMISSION_PIPELINE, AdmissionStep } from './admission-pipeline';
import { SessionAdmission, SessionObserver } from './session-hooks';

/** Where feature modules plug into the relay's session lifecycle (registered in their onModuleInit). */
@Injectable()
export class SessionHooks implements OnApplicationBootstrap {
  private readonly steps = new Map<AdmissionStep, SessionAdmission>();
  private extras: SessionAdmission[] = [];
  private admissionList: readonly SessionAdmission[] = [];
  private observerList: SessionObserver[] = [];

  /** Registers one step of ADMISSION_PIPELINE; it runs at its place in that list. */
  addAdmission(admission: SessionAdmission): void {
    const step = ADMISSION_PIPELINE.find((listed) => admission instanceof listed);
    if (!step) throw new Error(`${admission.constructor.name} is not a step of ADMISSION_PIPELINE: list it there`);
    this.steps.set(step, admission);
    this.arrange();
  }

  /** An admission that is no pipeline step (a test's probe, say): runs after every step, in the order added. */
  appendAdmission(admission: SessionAdmission): void {
    this.extras = [...this.extras, admission];
    this.arrange();
  }

  addObserver(observer: SessionObserver): void {
    this.observerList = [...this.observerList, observer];
  }

  /** The pipeline must be whole: a step whose module stopped registering it would silently go unchecked. */
  onApplicationBootstrap(): void {
    const missing = ADMISSION_PIPELINE.filter((step) => !this.steps.has(step)).map((step) => step.name);
    if (missing.length > 0) throw new Error(`admission steps never registered: ${missing.join(', ')}`);
  }

  get admissions(): readonly SessionAdmission[] {
    return this.admissionList;
  }

  get observers(): readonly SessionObserver[] {
    return this.observerList;
  }

  private arrange(): void {
    const listed = ADMISSION_PIPELINE.flatMap((step) => this.steps.get(step) ?? []);
    this.admissionList = [...listed, ...this.extras];
  }
}
